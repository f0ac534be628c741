from . import (
    customer_care_drop_wizard,
    customer_care_plan_log_wizard,
    customer_care_plan_step_skip_wizard,
)
