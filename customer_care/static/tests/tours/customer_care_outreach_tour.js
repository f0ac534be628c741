import { registry } from "@web/core/registry";
import { openCareApp } from "@customer_care/../tests/tours/tour_helper";

function openOutreachRules() {
    return [
        ...openCareApp(),
        {
            content: "Open the configuration menu",
            trigger: "button[data-menu-xmlid='customer_care.menu_customer_care_config']",
            run: "click",
        },
        {
            content: "Open the outreach rules",
            trigger: "a[data-menu-xmlid='customer_care.menu_customer_care_outreach_rule']",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("customer_care_outreach_tour", {
    url: "/odoo",
    steps: () => [
        ...openOutreachRules(),
        {
            content: "Create a rule",
            trigger: ".o_breadcrumb:contains('Outreach Rules') ~ * .o_list_button_add, .o_control_panel:has(.o_breadcrumb:contains('Outreach Rules')) .o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: "div[name='name'] input",
            run: "edit Birthday wishes",
        },
        {
            content: "A new rule greets birthdays by email by default",
            trigger: "div[name='trigger']",
        },
        {
            content: "Choose the birthday template",
            trigger: "div[name='mail_template_id'] input",
            run: "edit birthday greeting",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains('Customer Care: birthday greeting')",
            run: "click",
        },
        {
            content: "Save the rule",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Run it now",
            trigger: ".o_form_saved button[name='action_run']",
            run: "click",
        },
        {
            content: "The run is queued for the scheduler, not run in the request",
            trigger: ".o_notification:contains('Outreach run queued')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_care_outreach_figures_tour", {
    url: "/odoo",
    steps: () => [
        ...openOutreachRules(),
        {
            content: "Open the rule the scheduler ran",
            trigger: ".o_data_row td[name='name']:contains('Birthday wishes')",
            run: "click",
        },
        {
            content: "The last run's figures are shown",
            trigger: "div[name='last_run_summary']:contains('contacted')",
        },
        {
            content: "and the run is listed",
            trigger: "div[name='run_ids'] .o_data_row td[name='contacted']",
        },
        {
            content: "and its state",
            trigger: "div[name='run_ids'] .o_data_row td[name='state']:contains('Done')",
        },
    ],
});
