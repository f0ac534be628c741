import { registry } from "@web/core/registry";
import { openCareApp } from "@customer_care/../tests/tours/tour_helper";

const STEPS = "div[name='step_ids'] .o_data_row";

function closeStep(position, label) {
    return [
        {
            content: `Mark step ${position} (${label}) done`,
            trigger: `${STEPS}:nth-child(${position}) button[name='action_done']`,
            run: "click",
        },
        {
            content: `Step ${position} (${label}) is done`,
            trigger: `${STEPS}:nth-child(${position}) td[name='state']:contains('Done')`,
        },
    ];
}

registry.category("web_tour.tours").add("customer_care_plan_tour", {
    url: "/odoo",
    steps: () => [
        ...openCareApp(),
        {
            content: "Open the care plans menu",
            trigger: "button[data-menu-xmlid='customer_care.menu_customer_care_plan_root']",
            run: "click",
        },
        {
            content: "Open the care plans",
            trigger: "a[data-menu-xmlid='customer_care.menu_customer_care_plan']",
            run: "click",
        },
        {
            content: "Open the plan from the kanban",
            trigger: ".o_kanban_record:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "The call script opens with the company's greeting",
            trigger: "div[name='call_script']:contains('Thank you for calling')",
        },
        {
            content: "Try to answer questions before anything else",
            trigger: `${STEPS}:nth-child(3) button[name='action_done']`,
            run: "click",
        },
        {
            content: "The sequence refuses it",
            trigger: ".modal:contains('care contacts run their steps in order')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Step 3 is still to do",
            trigger: `${STEPS}:nth-child(3) td[name='state']:contains('To Do')`,
        },
        {
            content: "Open the first step to record what the customer liked",
            trigger: `${STEPS}:nth-child(1) td[name='step']`,
            run: "click",
        },
        {
            content: "Record what pleased the customer",
            trigger: ".modal div[name='satisfied_note'] textarea",
            run: "edit Loves the new city bike",
        },
        {
            content: "Keep the outcome",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        ...closeStep(1, "recall past value"),
        ...closeStep(2, "learn current needs"),
        ...closeStep(3, "answer questions"),
        ...closeStep(4, "introduce new value"),
        {
            content: "Send the care email",
            trigger: ".o_form_statusbar button[name='action_send_email']",
            run: "click",
        },
        {
            content: "The composer greets the customer",
            trigger: ".modal .o_field_widget[name='body']:contains('Dear Tour Customer')",
        },
        {
            content: "Send it",
            trigger: ".modal button[name='action_send_mail']",
            run: "click",
        },
        {
            content: "The email is on the plan's chatter",
            trigger: ".o-mail-Message-body:contains('Dear Tour Customer')",
        },
        {
            content: "Open the outcome",
            trigger: ".o_notebook .nav-link:contains('Outcome')",
            run: "click",
        },
        {
            content: "The contact went well",
            trigger: ".o_field_widget[name='outcome'] input[data-value='positive']",
            run: "click",
        },
        {
            content: "Close the plan",
            trigger: ".o_form_statusbar button[name='action_done']",
            run: "click",
        },
        {
            content: "The plan is done",
            trigger: ".o_statusbar_status button[data-value='done'][aria-checked='true']",
        },
    ],
});
