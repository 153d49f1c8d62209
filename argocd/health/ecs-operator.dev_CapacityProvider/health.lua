-- Argo CD health of an ecs-operator CapacityProvider (ecs-operator.dev/v1alpha1, cluster-scoped).
--
-- In order:
--   no status, or status.observedGeneration < metadata.generation -> Progressing
--   status.nodes == 0                                              -> Degraded ("no nodes match")
--   Ready=False, or readyNodes == 0                                -> Degraded (Ready's message)
--   otherwise                                                      -> Healthy (nodes, reservation)
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
  hs.message = "Waiting for ecs-operator to count the provider's nodes"
  return hs
end
if status.observedGeneration == nil or (generation ~= nil and status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for ecs-operator to observe generation " .. (generation and string.format("%d", generation) or "?")
  return hs
end

local ready = condition(status, "Ready")
if status.nodes ~= nil and status.nodes == 0 then
  hs.status = "Degraded"
  hs.message = "no nodes match the provider's nodeSelector, tolerations and affinity"
  return hs
end
if (ready ~= nil and ready.status == "False") or (status.readyNodes ~= nil and status.readyNodes == 0) then
  hs.status = "Degraded"
  if ready ~= nil and ready.message ~= nil and ready.message ~= "" then
    hs.message = ready.message
  else
    hs.message = "none of the matching nodes is Ready"
  end
  return hs
end
if status.nodes == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for ecs-operator to count the provider's nodes"
  return hs
end

hs.status = "Healthy"
hs.message = string.format("%d", status.readyNodes or 0) .. " of " .. string.format("%d", status.nodes) ..
  " matching nodes Ready"
if status.capacityProviderReservation ~= nil then
  hs.message = hs.message .. ", capacityProviderReservation " ..
    string.format("%g", status.capacityProviderReservation) .. "%"
end
return hs
