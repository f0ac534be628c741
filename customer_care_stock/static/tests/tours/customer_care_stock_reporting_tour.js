import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

function openReport(menu, title) {
    return [
        {
            content: "Open the reporting menu",
            trigger: "button[data-menu-xmlid='customer_care.menu_customer_care_reporting']",
            run: "click",
        },
        {
            content: `Open ${title}`,
            trigger: `a[data-menu-xmlid='customer_care_stock.${menu}']`,
            run: "click",
        },
        {
            content: `${title} is open`,
            trigger: `.o_breadcrumb .active:contains('${title}')`,
        },
        {
            content: `${title} opens on its graph`,
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "Switch to the list",
            trigger: "button.o_switch_view.o_list",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("customer_care_stock_reporting_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Customer Care",
            trigger: ".o_app[data-menu-xmlid='customer_care.menu_customer_care_root']",
            run: "click",
        },
        {
            content: "The customers list is open",
            trigger: ".o_breadcrumb .active:contains('Customers')",
        },
        ...openReport("menu_customer_care_report_delivery", "On-time Delivery"),
        {
            content: "The late order is listed as late",
            trigger: ".o_list_view tr:has(td:contains('Tour Late Buyer')) .badge:contains('Late')",
        },
        ...openReport("menu_customer_care_report_order_error", "Order Errors"),
        {
            content: "The short-delivered order is listed with its error",
            trigger:
                ".o_list_view tr:has(td:contains('Tour Short Buyer')) " +
                ".badge:contains('Quantities Corrected')",
        },
    ],
});
