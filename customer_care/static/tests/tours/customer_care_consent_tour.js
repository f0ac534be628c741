import { registry } from "@web/core/registry";
import { openCareApp, openCareCustomers } from "@customer_care/../tests/tours/tour_helper";

registry.category("web_tour.tours").add("customer_care_consent_tour", {
    url: "/odoo",
    steps: () => [
        ...openCareApp(),
        ...openCareCustomers(),
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: "edit Consent Customer",
        },
        {
            content: "Validate the search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer",
            trigger: ".o_data_row .o_data_cell:contains('Consent Customer')",
            run: "click",
        },
        {
            content: "Open the Care tab",
            trigger: ".o_notebook .nav-link:contains('Care')",
            run: "click",
        },
        {
            content: "Record a consent",
            trigger: "button[name='action_care_record_consent']",
            run: "click",
        },
        {
            content: "Consent to profiling",
            trigger: ".modal div[name='purpose'] input[data-value='profiling']",
            run: "click",
        },
        {
            content: "Say how the customer agreed",
            trigger: ".modal div[name='evidence'] textarea",
            run: "edit Signed the loyalty form",
        },
        {
            content: "Save the consent",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The consent is in the customer's history",
            trigger: "div[name='care_consent_ids'] .o_data_row:contains('Profiling')",
        },
        {
            content: "Now the family can be recorded",
            trigger: "div[name='care_children_count'] input",
            run: "edit 3",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
