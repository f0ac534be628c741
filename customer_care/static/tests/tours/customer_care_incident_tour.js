import { registry } from "@web/core/registry";
import { openCareApp } from "@customer_care/../tests/tours/tour_helper";

function openIncident(name) {
    return [
        ...openCareApp(),
        {
            content: "Open the incidents",
            trigger: "[data-menu-xmlid='customer_care.menu_customer_care_incident']",
            run: "click",
        },
        {
            content: `Open "${name}"`,
            trigger: `.o_kanban_record:contains('${name}')`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("customer_care_incident_resolve_tour", {
    url: "/odoo",
    steps: () => [
        ...openIncident("Tour complaint"),
        {
            content: "Acknowledge the complaint",
            trigger: ".o_form_view button[name='action_acknowledge']",
            run: "click",
        },
        {
            content: "The complaint is acknowledged",
            trigger: ".o_statusbar_status button[aria-checked='true']:contains('Acknowledged')",
        },
        {
            content: "Record the root cause",
            trigger: "div[name='root_cause_id'] input",
            run: "edit Tour courier",
        },
        {
            content: "Pick the root cause",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour courier')",
            run: "click",
        },
        {
            content: "Open the resolution types",
            trigger: "div[name='resolution_type'] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "Resolve with an exchange",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains('Exchange')",
            run: "click",
        },
        {
            content: "The exchange is chosen",
            trigger: "div[name='resolution_type'] input:value(Exchange)",
        },
        {
            content: "Open the resolution tab",
            trigger: ".o_notebook .nav-link:contains('What We Can Do')",
            run: "click",
        },
        {
            content: "Write what we can do",
            trigger: "div[name='resolution'] div.o-paragraph",
            run: "editor We bring you a new desk tomorrow morning.",
        },
        {
            content: "Resolve",
            trigger: ".o_form_view button[name='action_resolve']",
            run: "click",
        },
        {
            content: "Send the resolution to the customer",
            trigger: ".modal button[name='action_send_mail']",
            run: "click",
        },
        {
            content: "The complaint is resolved",
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status button[aria-checked='true']:contains('Resolved')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_care_incident_decline_tour", {
    url: "/odoo",
    steps: () => [
        ...openIncident("Tour refund request"),
        {
            content: "The decline waits for approval",
            trigger: ".o_statusbar_status button[aria-checked='true']:contains('Pending Decline')",
        },
        {
            content: "Approve the decline",
            trigger: ".o_form_view button[name='action_approve_decline']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The request is declined",
            trigger: ".o_statusbar_status button[aria-checked='true']:contains('Declined')",
        },
    ],
});
