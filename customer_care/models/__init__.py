from . import crm_team
from . import customer_care_facts
from . import customer_care_group
from . import customer_care_hobby
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
