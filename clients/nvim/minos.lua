-- minos.lua: Neovim client for minosd, the Minos daemon (JSON-RPC 2.0 over stdio).
--
-- Usage (put this directory on 'runtimepath'/lua or package.path):
--   local minos = require('minos')
--   local client = minos.start({ db = ':memory:' })  -- initialize + initialized are sent for you
--   client:request('daemon/ping', { echo = 1 }, function(err, result)
--     print(vim.inspect(err or result))               -- err: { code, message, data }
--   end)
--   local result, err = client:request_sync('daemon/status', nil, 5000)
--   local id = client:request('daemon/sleep', { milliseconds = 5000 }, function(err, result) end,
--     { progress = function(value) print(value.kind, value.percentage) end })
--   client:cancel(id)                                   -- its callback gets err.code == -32800
--   client:notify('some/notification', { key = 'value' })
--   client:stop(function(code) print('minosd exited', code) end)  -- shutdown + exit
--
-- start() options: cmd (binary path, or a list of binary and extra flags; default $MINOSD, then
-- minosd on PATH), db (--db), log_level (default 'warning'), on_notification(method, params) for
-- notifications other than progress (partial results, for instance). Neovim 0.7 or later.
--
-- It runs the daemon with jobstart() and newline-delimited JSON rather than vim.lsp.rpc: that API
-- changed its signature in 0.10, never calls back a request answered with -32800 (cancelled), and
-- copies the daemon's stderr into lsp.log as errors; jobstart() is the same from 0.7 on.
local M = {}

local Client = {}
Client.__index = Client

-- Reports a failing user callback without losing the rest of the daemon's output.
local function call_safely(fn, ...)
  local ok, err = pcall(fn, ...)
  if not ok then
    vim.notify('minos: callback failed: ' .. tostring(err), vim.log.levels.ERROR)
  end
end

-- Methods take params by name, but vim.json.encode({}) gives [], so an empty table becomes {}.
local function as_params(params)
  if type(params) == 'table' and next(params) == nil then
    return vim.empty_dict()
  end
  return params
end

local function command(opts)
  local cmd = opts.cmd
  if type(cmd) == 'string' then
    cmd = { cmd }
  elseif cmd == nil then
    local env = vim.env.MINOSD
    cmd = { (env and env ~= '') and env or vim.fn.exepath('minosd') }
  else
    cmd = vim.deepcopy(cmd)
  end
  if cmd[1] == '' or vim.fn.executable(cmd[1]) ~= 1 then
    error('minos: minosd not found (' .. cmd[1] .. '): pass cmd, set $MINOSD, or put minosd on PATH', 0)
  end
  vim.list_extend(cmd, { '--log-level', opts.log_level or 'warning' })
  if opts.db then
    vim.list_extend(cmd, { '--db', opts.db })
  end
  return cmd
end

--- Starts minosd and sends initialize; returns the client. `client.server` holds the initialize
--- result once it has arrived; `client.exit_code` is set when the daemon has exited.
function M.start(opts)
  opts = opts or {}
  local self = setmetatable({
    next_id = 0,
    pending = {}, -- id -> { callback, token }
    progress = {}, -- workDoneToken -> function(value)
    stderr = {}, -- the daemon's last stderr lines, for diagnosis
    exit_callbacks = {},
    on_notification = opts.on_notification,
  }, Client)
  local partial = ''
  self.job = vim.fn.jobstart(command(opts), {
    on_stdout = function(_, data)
      -- data holds the chunk split at newlines: its first item continues the last line of the
      -- previous chunk and its last item is an unfinished line ('' after a newline).
      data[1] = partial .. data[1]
      partial = table.remove(data)
      for _, line in ipairs(data) do
        if line ~= '' then
          self:_receive(line)
        end
      end
    end,
    on_stderr = function(_, data)
      for _, line in ipairs(data) do
        if line ~= '' then
          table.insert(self.stderr, line)
        end
      end
      while #self.stderr > 50 do
        table.remove(self.stderr, 1)
      end
    end,
    on_exit = function(_, code)
      self:_exited(code)
    end,
  })
  if self.job <= 0 then
    error('minos: could not start minosd (jobstart returned ' .. self.job .. ')', 0)
  end
  self:request('initialize', {
    processId = vim.fn.getpid(),
    clientInfo = { name = 'minos.lua', version = '0.1.0' },
  }, function(err, result)
    if err then
      vim.notify('minos: initialize failed: ' .. err.message, vim.log.levels.ERROR)
      return
    end
    self.server = result
    self:notify('initialized', {})
  end)
  return self
end

--- Sends a request; `callback(err, result)` runs on the main loop, with err nil on success.
--- opts.progress(value) receives the request's $/progress values (kind begin/report/end).
--- Returns the request id, for cancel().
function Client:request(method, params, callback, opts)
  opts = opts or {}
  self.next_id = self.next_id + 1
  local id = self.next_id
  local token
  if opts.progress then
    token = 'minos-nvim-' .. id
    params = vim.tbl_extend('force', params or {}, { workDoneToken = token })
    self.progress[token] = opts.progress
  end
  self.pending[id] = { callback = callback, token = token }
  self:_send({ jsonrpc = '2.0', id = id, method = method, params = as_params(params) })
  return id
end

--- Sends a request and waits up to timeout_ms (default 10000) for it; returns result, err.
--- On timeout the request is cancelled and err.message says so.
function Client:request_sync(method, params, timeout_ms, opts)
  local done, err, result = false, nil, nil
  local id = self:request(method, params, function(e, r)
    done, err, result = true, e, r
  end, opts)
  timeout_ms = timeout_ms or 10000
  if not vim.wait(timeout_ms, function()
    return done
  end, 10) then
    self:cancel(id)
    return nil, { message = ('minos: %s: no reply within %d ms'):format(method, timeout_ms) }
  end
  return result, err
end

--- Asks the daemon to cancel request `id`; false if its reply has already arrived.
function Client:cancel(id)
  if not self.pending[id] then
    return false
  end
  self:notify('$/cancelRequest', { id = id })
  return true
end

function Client:notify(method, params)
  self:_send({ jsonrpc = '2.0', method = method, params = as_params(params) })
end

--- Sends shutdown, then exit; `on_exit(code)` runs once the daemon has exited (0 when clean).
function Client:stop(on_exit)
  if self.exit_code then
    if on_exit then
      on_exit(self.exit_code)
    end
    return
  end
  if on_exit then
    table.insert(self.exit_callbacks, on_exit)
  end
  if self.stopping then
    return
  end
  self.stopping = true
  self:request('shutdown', nil, function()
    -- exit follows even if shutdown failed: the daemon then exits 1, which on_exit reports.
    self:notify('exit')
  end)
end

function Client:_send(message)
  if self.exit_code then
    error('minos: minosd is not running (exit code ' .. self.exit_code .. ')', 0)
  end
  vim.fn.chansend(self.job, vim.json.encode(message) .. '\n')
end

function Client:_receive(line)
  -- luanil: JSON null in objects becomes nil, as in Neovim's LSP client.
  local ok, message = pcall(vim.json.decode, line, { luanil = { object = true } })
  if not ok or type(message) ~= 'table' then
    vim.notify('minos: unreadable line from minosd: ' .. line, vim.log.levels.WARN)
    return
  end
  if message.method then
    local params = message.params or {}
    local progress = message.method == '$/progress' and self.progress[params.token]
    if progress then
      call_safely(progress, params.value)
    elseif self.on_notification then
      call_safely(self.on_notification, message.method, params)
    end
    return
  end
  local entry = self.pending[message.id]
  if not entry then
    -- id null: the daemon could not read one of our messages, so it cannot say which.
    vim.notify('minos: unattributed reply from minosd: ' .. line, vim.log.levels.WARN)
    return
  end
  self.pending[message.id] = nil
  if entry.token then
    self.progress[entry.token] = nil
  end
  call_safely(entry.callback, message.error, message.result)
end

function Client:_exited(code)
  self.exit_code = code
  local pending = self.pending
  self.pending, self.progress = {}, {}
  local err = { message = 'minosd exited with code ' .. code }
  for _, entry in pairs(pending) do
    call_safely(entry.callback, err, nil)
  end
  for _, callback in ipairs(self.exit_callbacks) do
    call_safely(callback, code)
  end
end

return M
