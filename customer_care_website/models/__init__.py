from . import customer_care_incident
from . import res_partner
