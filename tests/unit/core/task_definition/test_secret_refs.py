"""The convention that turns `secrets[].valueFrom` into a Kubernetes Secret key (core/secret_refs.py)."""

import pytest

from ecs_operator.core.task_definition.secret_refs import secret_key_for
from ecs_operator.core.task_definition.unsupported import TaskDefinitionError

SM = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"


@pytest.mark.parametrize(
    ("value_from", "expected"),
    [
        (SM + "db-password-AbCdEf", ("db-password", "value")),
        (SM + "prod/DB_Creds-x1Y2z3:username::", ("prod-db-creds", "username")),
        (SM + "api-token-Qw3rTy:key:AWSCURRENT:", ("api-token", "key")),
        (SM + "db-passwd", ("db-passwd", "value")),  # a lowercase word is part of the name, not a suffix
        ("arn:aws:ssm:eu-west-1:123456789012:parameter/prod/app/DB_URL", ("db-url", "value")),
        ("arn:aws:ssm:eu-west-1:123456789012:parameter/plain", ("plain", "value")),
        ("/prod/app/api-key", ("api-key", "value")),
        ("my-secret:my.key", ("my-secret", "my.key")),
        ("$$$SECRET_VALUE_FROM$$$", ("secret-value-from", "value")),
    ],
)
def test_value_from_maps_to_secret_name_and_key(value_from, expected):
    assert secret_key_for(value_from, "p") == expected


def test_secret_keys_keep_case_but_lose_characters_secrets_cannot_hold():
    assert secret_key_for("creds:user name/x", "p") == ("creds", "user_name_x")


def test_unusable_references_are_errors_with_the_path():
    with pytest.raises(TaskDefinitionError, match=r"^containerDefinitions\[0\]\.secrets\[0\]\.valueFrom:"):
        secret_key_for("arn:aws:s3:::bucket/key", "containerDefinitions[0].secrets[0].valueFrom")
    with pytest.raises(TaskDefinitionError, match="no Kubernetes Secret name"):
        secret_key_for("///", "p")
