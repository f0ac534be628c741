/** @odoo-module **/
/**
 * Whole-number ticks for the charts of counts.
 *
 * Chart.js picks its tick step from the data range alone: a month with one
 * lost customer gets ticks at 0.1, 0.2 … 1 customers.  When every value a
 * value axis shows is a whole number (customers, incidents, referrals), its
 * ticks are whole numbers too (Chart.js's ``ticks.precision``); charts with a
 * fractional value (rates, averages, amounts with cents) keep Chart.js's own
 * steps.
 */
import * as spreadsheet from "@odoo/o-spreadsheet";

const { chartJsExtensionRegistry } = spreadsheet.registries;

export function countsOnly(chart, axisId) {
    const values = [];
    for (const dataset of chart.data.datasets || []) {
        if ((dataset.yAxisID || "y") !== axisId && (dataset.xAxisID || "x") !== axisId) {
            continue;
        }
        for (const point of dataset.data || []) {
            const value = typeof point === "object" && point !== null ? point.y : point;
            if (value !== null && value !== undefined && value !== "") {
                values.push(Number(value));
            }
        }
    }
    return values.length > 0 && values.every((value) => Number.isInteger(value));
}

export const careIntegerTicksPlugin = {
    id: "careIntegerTicksPlugin",
    beforeBuildTicks(chart, { scale }) {
        if (scale.type !== "linear" || !countsOnly(chart, scale.id)) {
            return;
        }
        scale.options.ticks.precision = 0;
    },
};

chartJsExtensionRegistry.add("careIntegerTicksPlugin", {
    register: (Chart) => Chart.register(careIntegerTicksPlugin),
    unregister: (Chart) => Chart.unregister(careIntegerTicksPlugin),
});
