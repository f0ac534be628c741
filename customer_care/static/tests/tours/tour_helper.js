import { stepUtils } from "@web_tour/tour_utils";

/** Open the Customer Care app from the apps menu. */
export function openCareApp() {
    return stepUtils.goToAppSteps("customer_care.menu_customer_care_root", "Open Customer Care");
}

/** From the app (which opens on the inbox), open Customers → Customers. */
export function openCareCustomers() {
    return [
        {
            content: "Open the customers menu",
            trigger: "button[data-menu-xmlid='customer_care.menu_customer_care_customers_root']",
            run: "click",
        },
        {
            content: "Open the care customers",
            trigger: "a[data-menu-xmlid='customer_care.menu_customer_care_customers']",
            run: "click",
        },
    ];
}

/**
 * Open a report from Customer Care → Reporting and wait for its view.
 *
 * @param {string} menuXmlid the report's menu, e.g. "customer_care.menu_customer_care_dashboard"
 * @param {string} title the breadcrumb the report opens with
 * @param {string} viewSelector what shows that its view is rendered
 */
export function openReport(menuXmlid, title, viewSelector) {
    return [
        {
            content: "Open the reporting menu",
            trigger: "button[data-menu-xmlid='customer_care.menu_customer_care_reporting']",
            run: "click",
        },
        {
            content: `Open ${title}`,
            trigger: `a[data-menu-xmlid='${menuXmlid}']`,
            run: "click",
        },
        {
            content: `${title} is open`,
            trigger: `.o_breadcrumb .active:contains('${title}')`,
        },
        {
            content: `${title} shows its view`,
            trigger: viewSelector,
        },
    ];
}
