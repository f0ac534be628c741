from . import customer_care_decline_wizard
from . import customer_care_drop_wizard
from . import customer_care_lost_reason_wizard
from . import customer_care_plan_log_wizard
from . import customer_care_plan_step_skip_wizard
from . import customer_care_anonymize_wizard
from . import privacy_lookup_wizard
from . import customer_care_consent_wizard
