# syntax=docker/dockerfile:1
# The ecs-operator image: `docker build -t ghcr.io/ecs-operator/ecs-operator:<version> .`
# Two stages: the builder installs the package and its runtime dependencies (no dev extras) into a
# virtualenv; the runtime stage is the same slim Python with only that virtualenv, run as non-root.
# The base image by digest, not by tag: a rebuild gets the same bytes, whatever the tag moved to.
# This digest of docker.io/library/python:3.11-slim was taken from public Dockerfiles that pin it
# (found by a code search: one FROM python:3.11-slim@sha256:9c90..., one through Amazon ECR
# Public's mirror of Docker Hub's library, public.ecr.aws/docker/library/python:3.11-slim@ the
# same digest); it was not pulled here. To move it: `docker buildx imagetools inspect
# python:3.11-slim` prints the current index digest.
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/ecs-operator
WORKDIR /src
# The runtime dependencies exactly as locked, each file checked against its sha256
# (requirements.lock: `pip-compile --generate-hashes`, see docs/install.md#the-image).
COPY requirements.lock ./
RUN /opt/ecs-operator/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY operator/ operator/
# Build a wheel of the project, then install it alone: its dependencies are all in already.
RUN /opt/ecs-operator/bin/pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/ecs-operator/bin/pip install --no-deps /wheels/ecs_operator-*.whl \
 && /opt/ecs-operator/bin/pip check \
 && /opt/ecs-operator/bin/pip uninstall --yes pip
# pip has compiled the bytecode; keep it: the root filesystem is read-only at run time.

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="ecs-operator" \
      org.opencontainers.image.description="Amazon ECS semantics on Kubernetes" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/opt/ecs-operator/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp
COPY --from=builder /opt/ecs-operator /opt/ecs-operator
# The chart runs it with runAsUser 65532 and a read-only root filesystem (writable /tmp only).
USER 65532:65532
EXPOSE 8080 9090
ENTRYPOINT ["ecs-operator"]
CMD ["run", "--all-namespaces"]
