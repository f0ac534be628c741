/** @odoo-module **/
/**
 * Whole-number ticks in the graph views of the care reports when they count
 * (the record count or an integer measure): Chart.js picks its step from the
 * data range alone and would tick 0.2, 0.4 … customers for a month of one.
 * Rates, averages and amounts keep Chart.js's own steps.
 */
import { patch } from "@web/core/utils/patch";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

export function isCareCount(metaData) {
    const { measure, measures, resModel } = metaData;
    if (!resModel || !resModel.startsWith("customer.care.")) {
        return false;
    }
    return measure === "__count" || measures[measure]?.type === "integer";
}

patch(GraphRenderer.prototype, {
    getScaleOptions() {
        const scales = super.getScaleOptions(...arguments);
        if (scales.y && isCareCount(this.model.metaData)) {
            scales.y.ticks = { ...scales.y.ticks, precision: 0 };
        }
        return scales;
    },
});
