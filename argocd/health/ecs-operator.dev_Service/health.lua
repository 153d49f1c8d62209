-- Argo CD health of an ecs-operator Service (ecs-operator.dev/v1alpha1, kind Service).
--
-- In order:
--   no status, or status.observedGeneration < metadata.generation -> Progressing (not yet seen)
--   rolloutState FAILED (the service's or its PRIMARY deployment's)  -> Degraded (the reason)
--   Ready=False while tasks are starting (reason TasksStarting) or
--     while the Progressing condition is True                        -> Progressing
--   Ready=False for any other reason (TasksUnplaced, InvalidSpec,
--     ErrResourceExists, ...)                                         -> Degraded (Ready's message)
--   rolloutState IN_PROGRESS, Progressing=True, running < desired    -> Progressing
--   Ready=True and rolloutState COMPLETED                            -> Healthy (steady state)
--   anything else                                                     -> Progressing
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

local function count(v)
  if v == nil then
    return 0
  end
  return v
end

-- "running 3/5, pending 2" plus, per capacity provider, what could not be placed.
local function counts(status)
  local text = "running " .. string.format("%d", count(status.runningCount)) ..
    "/" .. string.format("%d", count(status.desiredCount))
  if count(status.pendingCount) > 0 then
    text = text .. ", pending " .. string.format("%d", status.pendingCount)
  end
  if status.providers ~= nil then
    local parts = {}
    for _, p in ipairs(status.providers) do
      local part = p.capacityProvider .. " " .. string.format("%d", count(p.runningCount)) ..
        "/" .. string.format("%d", count(p.desiredCount))
      if count(p.unplacedCount) > 0 then
        part = part .. " (" .. string.format("%d", p.unplacedCount) .. " unplaced)"
      end
      table.insert(parts, part)
    end
    if #parts > 0 then
      text = text .. " [" .. table.concat(parts, ", ") .. "]"
    end
  end
  return text
end

local function primary(status)
  if status.deployments == nil then
    return nil
  end
  for _, d in ipairs(status.deployments) do
    if d.status == "PRIMARY" then
      return d
    end
  end
  return nil
end

local status = obj.status
local generation = obj.metadata.generation
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for ecs-operator to report the service's status"
  return hs
end
if status.observedGeneration == nil or (generation ~= nil and status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for ecs-operator to observe generation " .. (generation and string.format("%d", generation) or "?")
  return hs
end

local ready = condition(status, "Ready")
local progressing = condition(status, "Progressing")
local deployment = primary(status)

local failed = status.rolloutState == "FAILED" or (deployment ~= nil and deployment.rolloutState == "FAILED")
if failed then
  hs.status = "Degraded"
  local reason = nil
  if deployment ~= nil and deployment.rolloutStateReason ~= nil then
    reason = deployment.rolloutStateReason
  elseif ready ~= nil and ready.message ~= nil then
    reason = ready.message
  end
  if reason ~= nil then
    hs.message = "Deployment failed: " .. reason
  else
    hs.message = "Deployment failed"
  end
  return hs
end

local rolling = status.rolloutState == "IN_PROGRESS" or (progressing ~= nil and progressing.status == "True")
local starting = ready ~= nil and ready.status == "False" and ready.reason == "TasksStarting"
if ready ~= nil and ready.status == "False" and not rolling and not starting then
  hs.status = "Degraded"
  if ready.message ~= nil and ready.message ~= "" then
    hs.message = ready.message
  else
    hs.message = "Not ready: " .. tostring(ready.reason)
  end
  return hs
end

if rolling then
  hs.status = "Progressing"
  local what = "Rollout in progress"
  if deployment ~= nil and deployment.taskDefinition ~= nil then
    what = what .. " to " .. deployment.taskDefinition
  end
  hs.message = what .. ": " .. counts(status)
  return hs
end
if starting or count(status.runningCount) < count(status.desiredCount) then
  hs.status = "Progressing"
  hs.message = "Tasks starting: " .. counts(status)
  return hs
end

if ready ~= nil and ready.status == "True" and status.rolloutState == "COMPLETED" then
  hs.status = "Healthy"
  hs.message = "Steady state: " .. counts(status)
  return hs
end

hs.status = "Progressing"
hs.message = "Waiting for the service to become Ready: " .. counts(status)
return hs
