from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Agents land on their requests when they open the backend, not on
        the first app of the menu (Discuss). A home action set on the user
        (Preferences) still wins."""
        info = super().session_info()
        user = self.env.user
        if (
            not info.get("home_action_id")
            and user._is_internal()
            and user.has_group("citizen_relation.group_citizen_agent")
        ):
            action = self.env.ref(
                "citizen_relation.citizen_request_action_my", raise_if_not_found=False
            )
            info["home_action_id"] = action.id if action else False
        return info
