import { registry } from "@web/core/registry";
import { openCareApp, openCareCustomers } from "@customer_care/../tests/tours/tour_helper";

registry.category("web_tour.tours").add("customer_care_partner_tour", {
    url: "/odoo",
    steps: () => [
        ...openCareApp(),
        ...openCareCustomers(),
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: "edit Tour Customer",
        },
        {
            content: "Validate the search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer",
            trigger: ".o_data_row .o_data_cell:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Open the Care tab",
            trigger: ".o_notebook .nav-link:contains('Care')",
            run: "click",
        },
        {
            content: "The purchase facts are shown",
            trigger: "div[name='care_order_count']:contains('1')",
        },
        {
            content: "Record the occupation",
            trigger: "div[name='care_occupation'] input",
            run: "edit Florist",
        },
        {
            content: "Record the number of children",
            trigger: "div[name='care_children_count'] input",
            run: "edit 2",
        },
        {
            content: "Add a hobby",
            trigger: "div[name='care_hobby_ids'] input",
            run: "edit Garden",
        },
        {
            content: "Pick Gardening",
            trigger: ".o-autocomplete--dropdown-item:contains('Gardening')",
            run: "click",
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
