from . import care_report
from . import materialized
from . import customer_care_report_activity
from . import customer_care_report_point
from . import customer_care_report_purchase
from . import customer_care_report_referral
from . import customer_care_report_service
from . import customer_care_report_value
from . import customer_care_overview


# reads customer_care_report_purchase: created after it
from . import customer_care_report_complaint
