import { registry } from "@web/core/registry";
import { openCareApp } from "@customer_care/../tests/tours/tour_helper";

registry.category("web_tour.tours").add("customer_care_messaging_answer_tour", {
    url: "/odoo",
    steps: () => [
        ...openCareApp(),
        {
            content: "Open the incidents",
            trigger: "[data-menu-xmlid='customer_care.menu_customer_care_incident']",
            run: "click",
        },
        {
            content: "Open the customer's Zalo message",
            trigger: ".o_kanban_record:contains('Lamp delivered without a bulb')",
            run: "click",
        },
        {
            content: "The customer's message is in the chatter",
            trigger: ".o-mail-Message:contains('The lamp came without a bulb')",
        },
        {
            content: "Answer via the chat app",
            trigger: ".o_form_view button[name='action_open_messaging_composer']",
            run: "click",
        },
        {
            content: "The composer answers through Zalo",
            trigger: ".modal div[name='provider']:contains('Zalo')",
        },
        {
            content: "Type the answer",
            trigger: ".modal div[name='body'] textarea",
            run: "edit We send you a bulb this afternoon, free of charge.",
        },
        {
            content: "Send",
            trigger: ".modal button[name='action_send']",
            run: "click",
        },
        {
            content: "The answer is in the chatter",
            trigger: ".o-mail-Message:contains('We send you a bulb this afternoon')",
        },
        {
            content: "Open its delivery",
            trigger:
                ".o-mail-Message:contains('We send you a bulb this afternoon') .o-mail-Message-notification",
            run: "click",
        },
        {
            content: "Delivered to the customer",
            trigger: ".o-mail-MessageNotificationPopover i.fa-check[title='Delivered']",
        },
    ],
});
