import { registry } from "@web/core/registry";
import { openCareApp } from "@customer_care/../tests/tours/tour_helper";

/** The care user's day starts in the inbox: the app opens on it. */
function openInbox() {
    return [
        ...openCareApp(),
        {
            content: "Customer Care opens on the inbox",
            trigger: ".o_breadcrumb .active:contains('Inbox')",
        },
    ];
}

registry.category("web_tour.tours").add("customer_care_inbox_day_tour", {
    url: "/odoo",
    steps: () => [
        ...openInbox(),
        {
            content: "Show the unassigned conversations",
            trigger: ".o_searchview_input",
            run: "click",
        },
        {
            content: "Filter: Unassigned",
            trigger: ".o_filter_menu .o-dropdown-item:contains('Unassigned')",
            run: "click",
        },
        {
            content: "The chat message waits, with what the customer wrote",
            trigger:
                ".o_data_row:contains('Tour Inbox Customer'):contains('Do you deliver on Sunday?')",
        },
        {
            content: "Open it",
            trigger: ".o_data_row:contains('Tour Inbox Customer') td[name='name']",
            run: "click",
        },
        {
            content: "The incident opens with the composer ready",
            trigger: ".o_form_view .o-mail-Composer-input",
        },
        {
            content: "Take it",
            trigger: ".o_form_view button[name='action_assign_to_me']",
            run: "click",
        },
        {
            content: "It is the care user's now",
            trigger: ".o_form_view:not(:has(button[name='action_assign_to_me']))",
        },
        {
            content: "Answer from the library",
            trigger: ".o_form_view button[name='action_use_answer']",
            run: "click",
        },
        {
            content: "Search the approved answers",
            trigger: ".modal div[name='answer_id'] input",
            run: "edit Sunday",
        },
        {
            content: "Pick the answer",
            trigger: ".o-autocomplete--dropdown-item:contains('Sunday deliveries')",
            run: "click",
        },
        {
            content: "The customer's name is filled in",
            trigger: ".modal div[name='body']:contains('Dear Tour Inbox Customer')",
        },
        {
            content: "Send it",
            trigger: ".modal button[name='action_send']",
            run: "click",
        },
        {
            content: "The answer is in the chatter",
            trigger: "body:not(:has(.modal)) .o-mail-Message:contains('we deliver on Sundays')",
        },
        {
            content: "Ask the customer for the address: wait for them",
            trigger: ".o_form_view button[name='action_wait_for_customer']",
            run: "click",
        },
        {
            content: "The incident waits for the customer",
            trigger:
                ".o_statusbar_status button[aria-checked='true']:contains('Waiting for Customer')",
        },
        {
            content: "Back to the inbox",
            trigger: ".o_breadcrumb a:contains('Inbox')",
            run: "click",
        },
        {
            content: "Nobody waits for an answer any more",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tour Inbox Customer')))",
        },
    ],
});

registry.category("web_tour.tours").add("customer_care_inbox_back_tour", {
    url: "/odoo",
    steps: () => [
        ...openInbox(),
        {
            content: "The customer replied: the conversation is back, with the reply",
            trigger: ".o_data_row:contains('Tour Inbox Customer'):contains('Sunday is fine')",
        },
        {
            content: "Open it",
            trigger: ".o_data_row:contains('Tour Inbox Customer') td[name='name']",
            run: "click",
        },
        {
            content: "The incident is back at work",
            trigger: ".o_statusbar_status button[aria-checked='true']:contains('In Progress')",
        },
    ],
});
