import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * The Chart.js charts of the open dashboard that have at least one point
 * with a value (scorecards are drawn without Chart.js and not counted).
 */
function chartsWithData() {
    const charts = [...document.querySelectorAll(".o-figure canvas")]
        .map((canvas) => window.Chart && window.Chart.getChart(canvas))
        .filter(Boolean);
    return charts.filter((chart) =>
        chart.data.datasets.some((dataset) =>
            dataset.data.some((value) => value !== null && value !== undefined && Number(value?.y ?? value) !== 0)
        )
    );
}

/** Whether every value of the chart is a whole number: a chart of counts. */
function countsOnly(chart) {
    const values = chart.data.datasets.flatMap((dataset) =>
        dataset.data
            .map((value) => (value && typeof value === "object" ? value.y : value))
            .filter((value) => value !== null && value !== undefined && value !== "")
    );
    return values.length > 0 && values.every((value) => Number.isInteger(Number(value)));
}

/** The ticks of a chart of counts' value axis are whole numbers. */
function checkWholeTicks(chart) {
    const axis = chart.scales.y;
    const ticks = (axis?.ticks || []).map((tick) => tick.value);
    if (!ticks.length || ticks.some((value) => !Number.isInteger(value))) {
        throw new Error(`a chart of counts ticks ${ticks.join(", ")}`);
    }
}

function openDashboard(name, expectedCharts) {
    return [
        {
            content: `Open the ${name} dashboard`,
            trigger: `.o_spreadsheet_dashboard_search_panel li[data-name='${name}']`,
            run: "click",
        },
        {
            content: `The ${name} dashboard is the active one`,
            trigger: `.o_spreadsheet_dashboard_search_panel li.active[data-name='${name}']`,
        },
        {
            content: `The ${name} dashboard draws its ${expectedCharts} charts with data`,
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            timeout: 40000,
            async run() {
                // the data sources load after the figures are drawn, and only
                // the figures in view are drawn: wait, and scroll down
                const seen = new Set();
                const counts = new Set();
                const scrollbar = document.querySelector(".o-scrollbar.vertical");
                for (let attempt = 0; attempt < 60; attempt++) {
                    for (const chart of chartsWithData()) {
                        const key = JSON.stringify([
                            chart.data.labels,
                            chart.data.datasets.map((d) => d.label),
                        ]);
                        seen.add(key);
                        if (countsOnly(chart)) {
                            checkWholeTicks(chart);
                            counts.add(key);
                        }
                    }
                    if (seen.size >= expectedCharts && counts.size) {
                        if (scrollbar) {
                            scrollbar.scrollTop = 0;
                        }
                        return;
                    }
                    if (scrollbar && attempt % 4 === 3) {
                        scrollbar.scrollTop += 250;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 500));
                }
                throw new Error(
                    `${name}: ${seen.size} of ${expectedCharts} charts have data, ${counts.size} count charts`
                );
            },
        },
    ];
}

/** Open the Dashboards app from the apps menu. */
function openDashboardsApp() {
    return stepUtils.goToAppSteps("spreadsheet_dashboard.spreadsheet_dashboard_menu_root", "Open Dashboards");
}

registry.category("web_tour.tours").add("customer_care_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        ...openDashboardsApp(),
        {
            content: "The Customer Care group is listed in the Dashboards app",
            trigger: ".o_spreadsheet_dashboard_search_panel header:contains('Customer Care')",
        },
        ...openDashboard("Care Service", 4),
        ...openDashboard("Keeping Customers", 5),
    ],
});

registry.category("web_tour.tours").add("customer_care_dashboard_hidden_tour", {
    url: "/odoo",
    steps: () => [
        ...openDashboardsApp(),
        {
            content: "The Dashboards app has loaded: no dashboard, or its list",
            trigger:
                ".o_spreadsheet_dashboard_action h3.dashboard-loading-status:contains('No available dashboard'), " +
                ".o_spreadsheet_dashboard_action .o_search_panel_category_value",
        },
        {
            content: "A care user is not offered the care managers' dashboards",
            trigger: ".o_spreadsheet_dashboard_action",
            run() {
                const names = [...document.querySelectorAll(".o_search_panel_category_value")].map(
                    (li) => li.dataset.name
                );
                if (names.includes("Care Service") || names.includes("Keeping Customers")) {
                    throw new Error(`a care user sees ${names.join(", ")}`);
                }
            },
        },
    ],
});
