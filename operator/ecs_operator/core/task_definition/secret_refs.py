"""Which Kubernetes Secret key an ECS `secrets[].valueFrom` reads (the documented convention).

- Secrets Manager ARN `arn:aws:secretsmanager:<region>:<acct>:secret:NAME-AbCdEf` -> Secret NAME,
  key `value`. The trailing `-` + 6 characters is the random suffix AWS appends to full ARNs; it is
  dropped when it holds a capital or a digit (AWS suffixes almost always do, while a name ending in a
  lowercase word such as `db-passwd` keeps it). `...:secret:NAME-AbCdEf:jsonkey::` (a JSON key,
  optionally with version stage/id) -> key `jsonkey`.
- SSM parameter ARN `arn:aws:ssm:<region>:<acct>:parameter/path/to/x`, or a bare parameter name
  (`/path/to/x`, `x`) -> Secret `x`, key `value`.
- `name:key` (not an ARN) -> Secret `name`, key `key`.
Secret names go through the name rule and become DNS subdomains (`Prod_DB/pass` -> `prod-db-pass`);
keys keep their case, with characters a Secret key cannot hold replaced by `_`.
"""

from __future__ import annotations

import re

from ecs_operator.core.k8s.identifiers import config_key, dns_subdomain
from ecs_operator.core.task_definition.unsupported import TaskDefinitionError

DEFAULT_KEY = "value"
_RANDOM_SUFFIX = re.compile(r"^(?P<name>.+)-(?P<suffix>[A-Za-z0-9]{6})$")


def _without_random_suffix(name: str) -> str:
    match = _RANDOM_SUFFIX.match(name)
    if match and re.search(r"[A-Z0-9]", match.group("suffix")):
        return match.group("name")
    return name


def _secrets_manager(resource: str) -> tuple[str, str]:
    # resource = "NAME-AbCdEf" or "NAME-AbCdEf:jsonkey:stage:id" (the part after "secret:")
    name, _, rest = resource.partition(":")
    json_key = rest.split(":", 1)[0]
    return _without_random_suffix(name), json_key or DEFAULT_KEY


def secret_key_for(value_from: str, path: str) -> tuple[str, str]:
    """(Secret name, key) for a `valueFrom`; raises when nothing usable is left of the name."""
    if value_from.startswith("arn:"):
        parts = value_from.split(":", 5)
        service = parts[2] if len(parts) > 2 else ""
        resource = parts[5] if len(parts) == 6 else ""
        if service == "secretsmanager" and resource.startswith("secret:"):
            name, key = _secrets_manager(resource.removeprefix("secret:"))
        elif service == "ssm" and resource.startswith("parameter"):
            name, key = resource.rsplit("/", 1)[-1], DEFAULT_KEY
        else:
            raise TaskDefinitionError(path, f"{value_from!r} is neither a Secrets Manager nor an SSM ARN")
    elif ":" in value_from:
        name, key = value_from.split(":", 1)
    else:
        name, key = value_from.rstrip("/").rsplit("/", 1)[-1], DEFAULT_KEY
    secret = dns_subdomain(name)
    if not secret:
        raise TaskDefinitionError(path, f"no Kubernetes Secret name can be made from {value_from!r}")
    return secret, config_key(key)
