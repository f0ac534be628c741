import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_care_portal_privacy_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The portal home leads to the personal data page",
            trigger: "a[href='/my/privacy']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "A copy of the data can be downloaded",
            trigger: "form[action='/my/privacy/download'] .o_care_privacy_download",
        },
        {
            content: "Confirm the wish to have the data deleted",
            trigger: "#care_privacy_erase_confirm",
            run: "click",
        },
        {
            content: "Ask for the deletion",
            trigger: ".o_care_privacy_erase",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page confirms the request",
            trigger: ".o_care_privacy_message.alert-success",
        },
    ],
});
