from . import customer_care_messaging_composer
from . import customer_care_messaging_link_wizard
from . import privacy_lookup_wizard
