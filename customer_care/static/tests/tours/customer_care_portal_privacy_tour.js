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
            content: "Marketing was never asked: agree to it",
            trigger: ".o_care_consent_marketing .o_care_consent_give",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The choice is saved and shown",
            trigger: ".o_care_consent_marketing .o_care_consent_state.text-bg-success",
        },
        {
            content: "Change of mind: withdraw it",
            trigger: ".o_care_consent_marketing .o_care_consent_withdraw",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The withdrawal is shown",
            trigger: ".o_care_consent_marketing .o_care_consent_state.text-bg-secondary",
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
