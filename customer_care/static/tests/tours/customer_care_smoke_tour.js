import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("customer_care_smoke_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customer Care app from the main menu",
            trigger: ".o_app[data-menu-xmlid='customer_care.menu_customer_care_root']",
            run: "click",
        },
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
