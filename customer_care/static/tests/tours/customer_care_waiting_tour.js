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

registry.category("web_tour.tours").add("customer_care_incident_wait_tour", {
    url: "/odoo",
    steps: () => [
        ...openIncident("Tour photos needed"),
        {
            content: "The incident is in progress",
            trigger: ".o_statusbar_status button[aria-checked='true']:contains('In Progress')",
        },
        {
            content: "Wait for the customer's photos",
            trigger: ".o_form_view button[name='action_wait_for_customer']",
            run: "click",
        },
        {
            content: "The incident waits for the customer",
            trigger:
                ".o_statusbar_status button[aria-checked='true']:contains('Waiting for Customer')",
        },
        {
            content: "The paused clock is explained",
            trigger: ".o_form_view .alert-info:contains('the resolution clock is paused')",
        },
        {
            content: "It can be resumed by hand too",
            trigger: ".o_form_view button[name='action_resume_waiting']",
        },
    ],
});

registry.category("web_tour.tours").add("customer_care_incident_resumed_tour", {
    url: "/odoo",
    steps: () => [
        ...openIncident("Tour photos needed"),
        {
            content: "The customer's reply sent the incident back to work",
            trigger: ".o_statusbar_status button[aria-checked='true']:contains('In Progress')",
        },
        {
            content: "The chatter shows the customer's reply",
            trigger: ".o-mail-Message:contains('Here are the photos')",
        },
        {
            content: "and that the clock runs again",
            trigger: ".o-mail-Message:contains('the resolution clock runs again')",
        },
    ],
});
