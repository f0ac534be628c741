from . import customer_care_incident
from . import chatbot_script_step
from . import discuss_channel
from . import customer_care_inbox
