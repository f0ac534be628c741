import { registry } from "@web/core/registry";
import { openCareApp } from "@customer_care/../tests/tours/tour_helper";

registry.category("web_tour.tours").add("customer_care_answer_tour", {
    url: "/odoo",
    steps: () => [
        ...openCareApp(),
        {
            content: "Open the incidents",
            trigger: "[data-menu-xmlid='customer_care.menu_customer_care_incident']",
            run: "click",
        },
        {
            content: "Open the customer's question",
            trigger: ".o_kanban_record:contains('Tour opening hours question')",
            run: "click",
        },
        {
            content: "Answer from the library",
            trigger: ".o_form_view button[name='action_use_answer']",
            run: "click",
        },
        {
            content: "Search the approved answers by a keyword",
            trigger: ".modal div[name='answer_id'] input",
            run: "edit Tour hours",
        },
        {
            content: "Pick the answer",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour opening hours')",
            run: "click",
        },
        {
            content: "The answer comes with the customer's name filled in",
            trigger: ".modal div[name='body']:contains('Dear Tour Answer Customer, we open at 8.')",
        },
        {
            content: "Send it",
            trigger: ".modal button[name='action_send']",
            run: "click",
        },
        {
            content: "The answer is in the chatter",
            trigger:
                "body:not(:has(.modal)) .o-mail-Message:contains('Dear Tour Answer Customer, we open at 8.')",
        },
    ],
});
