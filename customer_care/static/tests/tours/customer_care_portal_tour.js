import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_care_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The portal home lists the requests",
            trigger: "a[href='/my/requests']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the request",
            trigger: ".o_care_request_row a:contains('Portal tour desk')",
            run: "click",
            expectUnloadPage: true,
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
            content: "Write a reply",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit The desk still wobbles",
        },
        {
            content: "Send it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message-body:contains('The desk still wobbles')",
        },
    ],
});
