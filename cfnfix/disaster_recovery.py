"""What the failover and standby-region rules share: the regional entry point and the DR switches."""

from __future__ import annotations

from typing import Any

from .model.template import Resource, Template, value_targets

ALB = "AWS::ElasticLoadBalancingV2::LoadBalancer"


def public_albs(template: Template) -> list[Resource]:
    """Internet-facing application load balancers (both are the defaults when unsaid)."""
    return [r for r in template.of_type(ALB)
            if r.properties.get("Scheme", "internet-facing") == "internet-facing"
            and r.properties.get("Type", "application") == "application"]


def listeners(template: Template, alb: str) -> list[Resource]:
    """The ALB's listeners in file order, found through the reference graph (not by going
    through every listener of the template for every load balancer)."""
    sources = dict.fromkeys(edge.source for edge in template.graph.referrers(alb))
    found = [template.resources[name] for name in sources]
    return [r for r in found if r.type == "AWS::ElasticLoadBalancingV2::Listener"
            and alb in value_targets(r.properties.get("LoadBalancerArn"))]


def serves_https(template: Template, alb: str) -> bool:
    return any(l.properties.get("Protocol") == "HTTPS" or l.properties.get("Port") in (443, "443")
               for l in listeners(template, alb))


def health_check_path(template: Template, alb: str) -> str | None:
    """The HealthCheckPath of a target group the ALB's listeners forward to."""
    for listener in listeners(template, alb):
        actions = listener.properties.get("DefaultActions")
        for action in actions if isinstance(actions, list) else []:
            if not isinstance(action, dict):
                continue
            groups = value_targets(action.get("TargetGroupArn"))
            forward = action.get("ForwardConfig")
            if isinstance(forward, dict) and isinstance(forward.get("TargetGroups"), list):
                groups += [t for g in forward["TargetGroups"] if isinstance(g, dict)
                           for t in value_targets(g.get("TargetGroupArn"))]
            for group in groups:
                resource = template.resources.get(group)
                path = resource.properties.get("HealthCheckPath") if resource else None
                if isinstance(path, str):
                    return path
    return None


def deployment_role_parameter() -> dict[str, Any]:
    return {"Type": "String", "AllowedValues": ["primary", "standby"], "Default": "primary",
            "Description": "primary in the main region; standby in the region that takes over"}


def is_primary(deployment_role: str) -> dict[str, Any]:
    """The condition that this stack is the primary, given the name of the DeploymentRole parameter."""
    return {"Fn::Equals": [{"Ref": deployment_role}, "primary"]}

