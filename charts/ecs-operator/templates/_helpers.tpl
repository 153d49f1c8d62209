{{/* The chart name, or nameOverride. */}}
{{- define "ecs-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name: fullnameOverride, else "<release>-<chart>", or just the release name
when it already contains the chart name. At most 63 characters (a DNS label).
*/}}
{{- define "ecs-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "<chart>-<version>" for the helm.sh/chart label. */}}
{{- define "ecs-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels that select the operator's pods; never change them on upgrade. */}}
{{- define "ecs-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ecs-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The standard labels on every object of the chart. */}}
{{- define "ecs-operator.labels" -}}
helm.sh/chart: {{ include "ecs-operator.chart" . }}
{{ include "ecs-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ecs-operator
{{- end }}

{{/* The ServiceAccount the operator runs as. */}}
{{- define "ecs-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ecs-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image, tag defaulting to the chart's appVersion. */}}
{{- define "ecs-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The rights the operator needs in each namespace it serves (templates/rbac.yaml puts them in the
ClusterRole, or in a Role per watched namespace).
*/}}
{{- define "ecs-operator.namespacedRules" -}}
# The namespaced ECS kinds: watched; users' specs are never written.
- apiGroups: ["ecs-operator.dev"]
  resources: ["taskdefinitions", "ecsservices", "ecsclusters"]
  verbs: ["list", "watch"]
# A TaskDefinition's in-use finalizer, set by a metadata patch.
- apiGroups: ["ecs-operator.dev"]
  resources: ["taskdefinitions"]
  verbs: ["patch"]
- apiGroups: ["ecs-operator.dev"]
  resources: ["taskdefinitions/status", "ecsservices/status", "ecsclusters/status"]
  verbs: ["patch"]
# Children set blockOwnerDeletion on their owner reference, which OwnerReferencesPermissionEnforcement
# allows only to who may update the owner's finalizers.
- apiGroups: ["ecs-operator.dev"]
  resources: ["taskdefinitions/finalizers", "ecsservices/finalizers"]
  verbs: ["update"]
# Children of a Service: one Deployment (REPLICA) or DaemonSet (DAEMON) per capacity provider.
# get: a create that met AlreadyExists, a name seen under other owners, a claim that lost a race.
- apiGroups: ["apps"]
  resources: ["deployments", "daemonsets"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# TaskDefinition revisions, stored immutably (the garbage collector deletes them with their owner).
- apiGroups: ["apps"]
  resources: ["controllerrevisions"]
  verbs: ["get", "list", "watch", "create"]
# The core Service over a Service's tasks; ServiceAccounts for taskRoleArn (IRSA).
- apiGroups: [""]
  resources: ["services", "serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# minimumHealthyPercent held during node drains.
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# Tasks (pods) for counts and the circuit breaker: streamed, never read one by one.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# ECS service events as core/v1 Events.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}
