from . import customer_care_report_delivery
