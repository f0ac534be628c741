from . import customer_care_drop_wizard
