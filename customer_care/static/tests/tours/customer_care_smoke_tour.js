import { registry } from "@web/core/registry";
import { openCareApp, openCareCustomers } from "@customer_care/../tests/tours/tour_helper";

registry.category("web_tour.tours").add("customer_care_smoke_tour", {
    url: "/odoo",
    steps: () => [
        ...openCareApp(),
        {
            content: "The app opens on the inbox",
            trigger: ".o_breadcrumb .active:contains('Inbox')",
        },
        ...openCareCustomers(),
        {
            content: "The customers of the care app are listed",
            trigger: ".o_breadcrumb .active:contains('Customers')",
        },
        {
            content: "The care list shows the care group column",
            trigger: ".o_list_view th[data-name='care_group_id']",
        },
    ],
});
