{
    "name": "Customer Care Dashboards",
    "summary": "Care service and customer retention dashboards in the Dashboards app",
    "version": "19.0.1.0.0",
    "category": "Productivity/Dashboard",
    "author": "customer_care contributors",
    "website": "https://github.com/customer-care/customer_care",
    "license": "LGPL-3",
    "depends": ["customer_care", "spreadsheet_dashboard"],
    "data": [
        "data/dashboards.xml",
    ],
    "assets": {
        # whole-number ticks on the value axis of the charts of counts
        "spreadsheet.o_spreadsheet": [
            "customer_care_dashboard/static/src/integer_ticks.js",
        ],
        "web.assets_tests": [
            "customer_care_dashboard/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
}
