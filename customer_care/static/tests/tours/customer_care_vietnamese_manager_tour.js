import { registry } from "@web/core/registry";
import { openCareApp, openReport } from "@customer_care/../tests/tours/tour_helper";

/* A care manager working in Vietnamese opens the team overview, follows a
 * tile to its list, then the complaint rate and the top-20 % watch as they
 * open by default. */
registry.category("web_tour.tours").add("customer_care_vietnamese_manager_tour", {
    url: "/odoo",
    steps: () => [
        ...openCareApp(),
        ...openReport("customer_care.menu_customer_care_dashboard", "Tổng quan", ".o_care_overview_kanban"),
        {
            content: "The team's card, its tiles in Vietnamese with the number beside the label",
            trigger: ".o_kanban_record:contains('Đội tour tiếng Việt') .o_care_tile_my_open:contains('Sự cố đang mở của tôi'):contains('1')",
        },
        {
            content: "Follow the tile to its list",
            trigger: ".o_kanban_record:contains('Đội tour tiếng Việt') .o_care_tile_my_open",
            run: "click",
        },
        {
            content: "The incident behind the count is listed",
            trigger: ".o_list_view td:contains('Đèn hỏng')",
        },
        ...openReport(
            "customer_care.menu_customer_care_report_complaint",
            "Tỷ lệ khiếu nại",
            ".o_graph_view"
        ),
        {
            content: "The complaint rate opens on its last 12 months",
            trigger: ".o_searchview_facet:contains('12 tháng gần nhất')",
        },
        ...openReport(
            "customer_care.menu_customer_care_top_snapshot",
            "Theo dõi nhóm 20% hàng đầu",
            ".o_list_view .o_group_header"
        ),
        {
            content: "The watch opens grouped by month, the growth from nothing reads New",
            trigger: ".o_list_view td:contains('Khách hàng tour tiếng Việt') ~ td:contains('Mới vào nhóm hàng đầu')",
        },
        {
            content: "No rank 0: the customer who fell out has an empty rank",
            trigger: ".o_list_view tr:has(td:contains('Khách rời nhóm')) td[name='rank']:not(:contains('0'))",
        },
        {
            content: "Switch the watch to its graph",
            trigger: "button.o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph counts customers: its axis ticks in whole numbers",
            trigger: ".o_graph_renderer canvas",
            run() {
                const chart = window.Chart.getChart(document.querySelector(".o_graph_renderer canvas"));
                const ticks = chart.scales.y.ticks.map((tick) => tick.value);
                if (!ticks.length || ticks.some((value) => !Number.isInteger(value))) {
                    throw new Error(`the count axis ticks ${ticks.join(", ")}`);
                }
            },
        },
    ],
});
