# syntax=docker/dockerfile:1
# The ecs-operator image: `docker build -t ghcr.io/ecs-operator/ecs-operator:<version> .`
# Two stages: the builder installs the package and its runtime dependencies (no dev extras) into a
# virtualenv; the runtime stage is the same slim Python with only that virtualenv, run as non-root.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/ecs-operator
WORKDIR /src
COPY pyproject.toml README.md ./
COPY operator/ operator/
# Build a wheel of the project, then install it (with its runtime dependencies) into the venv.
RUN /opt/ecs-operator/bin/pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/ecs-operator/bin/pip install /wheels/ecs_operator-*.whl \
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
