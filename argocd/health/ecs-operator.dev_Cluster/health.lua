-- Argo CD health of an ecs-operator Cluster (ecs-operator.dev/v1alpha1, one per namespace).
--
-- In order:
--   no status, or status.observedGeneration < metadata.generation -> Progressing
--   Ready=False                                                    -> Degraded (Ready's message, e.g.
--       a capacity provider that does not exist or an invalid default strategy)
--   Ready=True                                                     -> Healthy (providers, services, tasks)
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
  hs.message = "Waiting for ecs-operator to report the cluster's status"
  return hs
end
if status.observedGeneration == nil or (generation ~= nil and status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for ecs-operator to observe generation " .. (generation and string.format("%d", generation) or "?")
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
  local providers = "no capacity providers"
  if status.capacityProviders ~= nil and #status.capacityProviders > 0 then
    providers = "capacity providers " .. table.concat(status.capacityProviders, ", ")
  end
  hs.message = "ACTIVE: " .. providers .. "; " .. string.format("%d", status.activeServicesCount or 0) ..
    " services, " .. string.format("%d", status.runningTasksCount or 0) .. " running tasks"
  return hs
end

hs.status = "Progressing"
hs.message = "Waiting for the cluster to become Ready"
return hs
