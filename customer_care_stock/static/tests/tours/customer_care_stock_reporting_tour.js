import { registry } from "@web/core/registry";
import { openCareApp, openCareCustomers, openReport } from "@customer_care/../tests/tours/tour_helper";

function openReportList(menu, title) {
    return [
        ...openReport(`customer_care_stock.${menu}`, title, ".o_graph_view .o_graph_renderer canvas"),
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
        ...openCareApp(),
        ...openCareCustomers(),
        {
            content: "The customers list is open",
            trigger: ".o_breadcrumb .active:contains('Customers')",
        },
        ...openReportList("menu_customer_care_report_delivery", "On-time Delivery"),
        {
            content: "The late order is listed as late",
            trigger: ".o_list_view tr:has(td:contains('Tour Late Buyer')) .badge:contains('Late')",
        },
        ...openReportList("menu_customer_care_report_order_error", "Order Errors"),
        {
            content: "The short-delivered order is listed with its error",
            trigger:
                ".o_list_view tr:has(td:contains('Tour Short Buyer')) " +
                ".badge:contains('Quantities Corrected')",
        },
    ],
});
