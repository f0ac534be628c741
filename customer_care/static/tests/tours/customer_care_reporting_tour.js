import { registry } from "@web/core/registry";
import { openCareApp, openCareCustomers, openReport } from "@customer_care/../tests/tours/tour_helper";

registry.category("web_tour.tours").add("customer_care_reporting_tour", {
    url: "/odoo",
    steps: () => [
        ...openCareApp(),
        {
            content: "The app opens on the inbox",
            trigger: ".o_breadcrumb .active:contains('Inbox')",
        },
        ...openCareCustomers(),
        {
            content: "The customers list is open",
            trigger: ".o_breadcrumb .active:contains('Customers')",
        },
        ...openReport("customer_care.menu_customer_care_dashboard", "Overview", ".o_care_overview_kanban"),
        {
            content: "The team's card counts the manager's open incident, the number beside its label",
            trigger: ".o_kanban_record:contains('Reporting Tour Team') .o_care_tile_my_open:contains('My Open Incidents'):contains('1')",
        },
        {
            content: "The card draws its weekly bars with their values",
            trigger: ".o_kanban_record:contains('Reporting Tour Team') .o_care_bar:last-child span:first-child:contains('1')",
        },
        {
            content: "Follow the tile to its list",
            trigger: ".o_kanban_record:contains('Reporting Tour Team') .o_care_tile_my_open",
            run: "click",
        },
        {
            content: "The incident behind the count is listed",
            trigger: ".o_list_view td:contains('Reporting Tour Incident')",
        },
        ...openReport("customer_care.menu_customer_care_top_snapshot",
            "Top 20% Watch",
            ".o_list_view td:contains('Reporting Tour Top')"
        ),
        ...openReport("customer_care.menu_customer_care_incident_report", "Incident Analysis", ".o_pivot"),
        ...openReport("customer_care.menu_customer_care_report_complaint", "Complaint Rate", ".o_graph_view"),
        ...openReport("customer_care.menu_customer_care_incident_satisfaction", "Satisfaction", ".o_pivot"),
        ...openReport("customer_care.menu_customer_care_report_repeat", "Repeat Purchases", ".o_pivot"),
        ...openReport("customer_care.menu_customer_care_report_retention", "Retention by Cohort", ".o_pivot"),
        ...openReport("customer_care.menu_customer_care_report_referral", "Referrals", ".o_pivot"),
        ...openReport("customer_care.menu_customer_care_report_activity", "Care Activity", ".o_pivot"),
        ...openReport("customer_care.menu_customer_care_report_point", "Dissatisfaction Points", ".o_graph_view"),
        ...openReport("customer_care.menu_customer_care_report_value", "Lifetime Value", ".o_pivot"),
        {
            content: "Open the customers menu",
            trigger: "button[data-menu-xmlid='customer_care.menu_customer_care_customers_root']",
            run: "click",
        },
        {
            content: "Open the lost customers",
            trigger: "a[data-menu-xmlid='customer_care.menu_customer_care_lost']",
            run: "click",
        },
        {
            content: "Lost customers are listed with the list actions",
            trigger: ".o_breadcrumb .active:contains('Lost Customers')",
        },
        {
            content: "Open the feedback menu",
            trigger: "button[data-menu-xmlid='customer_care.menu_customer_care_feedback_root']",
            run: "click",
        },
        {
            content: "Open the hotline log",
            trigger: "a[data-menu-xmlid='customer_care.menu_customer_care_feedback_hotline']",
            run: "click",
        },
        {
            content: "The hotline log is open",
            trigger: ".o_breadcrumb .active:contains('Hotline Log')",
        },
    ],
});
