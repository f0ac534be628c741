import { registry } from "@web/core/registry";

// a 1x1 PNG: the photo of the damage
const PHOTO =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVQIW2P4v5ThPwAG7wKklwQ/bwAAAABJRU5ErkJggg==";

/**
 * A portal customer asks something new from "My requests", sees when the
 * care team promises to answer, and replies with a photo.
 */
registry.category("web_tour.tours").add("customer_care_portal_request_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The portal home lists the requests",
            trigger: "a[href='/my/requests']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Ask something new",
            trigger: "a.o_care_new_request",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Subject",
            trigger: ".o_care_request_new_form input[name='subject']",
            run: "edit The bell of my bike rattles",
        },
        {
            content: "Tell more",
            trigger: ".o_care_request_new_form textarea[name='description']",
            run: "edit It started after the first ride.",
        },
        {
            content: "Send the request",
            trigger: ".o_care_request_new_form .o_care_request_send",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request's page opens",
            trigger: ".o_care_request_name:contains('The bell of my bike rattles')",
        },
        {
            content: "The promised answer time is shown",
            trigger: ".o_care_response_deadline:not(:empty)",
        },
        {
            content: "The promised solution time is shown",
            trigger: ".o_care_resolution_deadline:not(:empty)",
        },
        {
            content: "Attach a photo of the bell",
            trigger: "#chatterRoot:shadow .o-mail-Composer",
            async run() {
                const input = document
                    .querySelector("#chatterRoot")
                    .shadowRoot.querySelector(".o-mail-Composer .o_input_file");
                const blob = await (await fetch(PHOTO)).blob();
                const transfer = new DataTransfer();
                transfer.items.add(new File([blob], "bell-photo.png", { type: "image/png" }));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The photo is uploaded",
            trigger:
                "#chatterRoot:shadow .o-mail-Composer .o-mail-AttachmentList:not(:has(.o-isUploading)) .o-mail-AttachmentImage",
        },
        {
            content: "Write the reply",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Here is a photo of the bell",
        },
        {
            content: "Send it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is in the conversation, with the photo",
            trigger:
                "#chatterRoot:shadow .o-mail-Message:has(.o-mail-Message-body:contains('Here is a photo of the bell')) .o-mail-AttachmentImage",
        },
    ],
});

/**
 * The customer opens the rating face of the resolution email (the page
 * preselects it), changes their mind, explains and submits.
 */
registry.category("web_tour.tours").add("customer_care_portal_rating_tour", {
    steps: () => [
        {
            content: "The face of the email is preselected",
            trigger: ".o_rating_page_submit input#rate_3:checked",
        },
        {
            content: "Choose the happy face instead",
            trigger: ".o_rating_page_submit label[for='rate_5']",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".o_rating_page_submit textarea[name='feedback']",
            run: "edit The new bell is quiet",
        },
        {
            content: "Submit the rating",
            trigger: ".o_rating_page_submit button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The rating is recorded",
            trigger: ".o_rating_page_thank_you",
        },
    ],
});
