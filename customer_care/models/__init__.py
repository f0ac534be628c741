from . import (
    crm_team,
    customer_care_facts,
    customer_care_group,
    customer_care_hobby,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)
