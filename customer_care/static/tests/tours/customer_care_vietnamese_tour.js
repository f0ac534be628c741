import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { openCareCustomers } from "@customer_care/../tests/tours/tour_helper";

/* A care user working in Vietnamese goes through the main screens. */
registry.category("web_tour.tours").add("customer_care_vietnamese_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "The app is called Chăm sóc khách hàng",
            trigger: ".o_app[data-menu-xmlid='customer_care.menu_customer_care_root']:contains('Chăm sóc khách hàng')",
            run: "click",
        },
        {
            content: "The app opens on the inbox, in Vietnamese",
            trigger: ".o_breadcrumb .active:contains('Hộp thư đến')",
        },
        {
            content: "The whole menu bar fits: nothing folded into a \"+\" menu",
            trigger: ".o_menu_sections:not(:has(.o_menu_sections_more))",
        },
        ...openCareCustomers(),
        {
            content: "Customers, in Vietnamese",
            trigger: ".o_breadcrumb .active:contains('Khách hàng')",
        },
        {
            content: "Open a customer",
            trigger: ".o_data_row .o_data_cell:contains('Vietnamese Tour Customer')",
            run: "click",
        },
        {
            content: "The Care tab, in Vietnamese",
            trigger: ".o_notebook .nav-link:contains('Chăm sóc')",
            run: "click",
        },
        {
            content: "The care group field, in Vietnamese",
            trigger: ".o_form_view label:contains('Nhóm chăm sóc')",
        },
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
            content: "Care plans, in Vietnamese",
            trigger: ".o_breadcrumb .active:contains('Kế hoạch chăm sóc')",
        },
        {
            content: "Open the incidents",
            trigger: "a[data-menu-xmlid='customer_care.menu_customer_care_incident']",
            run: "click",
        },
        {
            content: "Incidents, in Vietnamese",
            trigger: ".o_breadcrumb .active:contains('Sự cố')",
        },
    ],
});
