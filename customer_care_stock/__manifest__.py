{
    "name": "Customer Care - Inventory",
    "summary": "On-time delivery and order error rate in the customer care reports; "
    "exchange follow-ups planned when the replacement is delivered",
    "version": "19.0.1.0.0",
    "category": "Sales/Customer Care",
    "author": "customer_care contributors",
    "website": "https://github.com/customer-care/customer_care",
    "license": "LGPL-3",
    "depends": ["customer_care", "sale_stock"],
    "data": [
        "security/ir.model.access.csv",
        "security/customer_care_stock_security.xml",
        "report/customer_care_report_delivery_views.xml",
        "views/sale_order_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_care_stock/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
}
