-- Argo CD health of an ecs-operator TaskDefinition (ecs-operator.dev/v1alpha1).
--
-- In order:
--   no status, or status.observedGeneration < metadata.generation -> Progressing (not yet registered)
--   status.status INACTIVE (deregistered)                          -> Suspended: it is kept for the
--       services still running it, but no new service can use it; not an error, not healthy either
--   Ready=False                                                    -> Degraded (Ready's message)
--   Ready=True                                                     -> Healthy ("family:N is ACTIVE",
--       and how many fields have no effect on Kubernetes)
--   anything else                                                  -> Progressing
local hs = {}

local function condition(status, type_)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type_ then
      return c
    end
  end
  return nil
end

local status = obj.status
local generation = obj.metadata.generation
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for ecs-operator to register the task definition"
  return hs
end
if status.observedGeneration == nil or (generation ~= nil and status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for ecs-operator to register generation " .. (generation and string.format("%d", generation) or "?")
  return hs
end

local arn = status.taskDefinitionArn
if arn == nil then
  arn = status.family or obj.metadata.name
end

if status.status == "INACTIVE" then
  hs.status = "Suspended"
  hs.message = arn .. " is INACTIVE (deregistered)"
  return hs
end

local ready = condition(status, "Ready")
if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  if ready.message ~= nil and ready.message ~= "" then
    hs.message = ready.message
  else
    hs.message = "Not ready: " .. tostring(ready.reason)
  end
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = arn .. " is ACTIVE"
  if status.unsupportedFields ~= nil and #status.unsupportedFields > 0 then
    hs.message = hs.message .. "; " .. string.format("%d", #status.unsupportedFields) ..
      " field(s) have no effect on Kubernetes (see status.unsupportedFields)"
  end
  return hs
end

hs.status = "Progressing"
hs.message = "Waiting for the task definition to become Ready"
return hs
