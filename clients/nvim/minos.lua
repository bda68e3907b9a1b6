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

-- Editor commands ---------------------------------------------------------------------------
--
--   require('minos').setup()          -- defines :MinosCheck and :MinosVerify
--   :MinosCheck change_case:english_lowercase; length_constraints:number_words relation=less\ than num_words=50
--   :'<,'>MinosCheck #3               -- a registered AutoIF instruction (instructions/register)
--   :'<,'>MinosVerify \frac{1}{2}     -- the selection's final answer against a reference
--
-- Both work on the buffer or a range and show results as diagnostics (namespace "minos") on the
-- range's first line, and :MinosVerify's verdict as virtual text after its last line. One daemon
-- serves the editor session (M.shared), started on first use with the options given to setup().

M.namespace = vim.api.nvim_create_namespace('minos')
local shared, shared_opts

-- The editor session's daemon, started (or restarted after it exited) on first use.
function M.shared()
  if not shared or shared.exit_code ~= nil then
    shared = M.start(shared_opts or {})
  end
  return shared
end

local function value(text)
  local number = tonumber(text)
  if number then
    return number
  elseif text == 'true' or text == 'false' then
    return text == 'true'
  end
  return text
end

-- Parses :MinosCheck's argument: instructions separated by ';', each an IFEval id followed by
-- key=value kwargs (numbers and booleans converted; '\ ' keeps a space inside a value), or '#N'
-- for the registered instruction N. Returns { registered = N } or { instructions = {...} }.
function M.parse_instructions(text)
  local registered = text:match('^%s*#(%d+)%s*$')
  if registered then
    return { registered = tonumber(registered) }
  end
  local instructions = {}
  for part in (text .. ';'):gmatch('(.-);') do
    local words = {}
    for word in part:gsub('\\ ', '\0'):gmatch('%S+') do
      table.insert(words, (word:gsub('%z', ' ')))
    end
    if #words > 0 then
      local kwargs = {}
      for i = 2, #words do
        local key, v = words[i]:match('^([^=]+)=(.*)$')
        if not key then
          error('minos: expected key=value after ' .. words[1] .. ', got ' .. words[i], 0)
        end
        kwargs[key] = value(v)
      end
      table.insert(instructions, { id = words[1], kwargs = next(kwargs) and kwargs or nil })
    end
  end
  if #instructions == 0 then
    error('minos: give IFEval instructions (id key=value ...; ...) or #N', 0)
  end
  return { instructions = instructions }
end

local function range_text(bufnr, first, last)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, first - 1, last, false), '\n')
end

local function show(bufnr, first, items)
  vim.diagnostic.set(M.namespace, bufnr, vim.tbl_map(function(item)
    return { lnum = first - 1, col = 0, severity = item.ok and vim.diagnostic.severity.INFO or vim.diagnostic.severity.WARN,
             message = item.message, source = 'minos' }
  end, items))
end

-- Checks lines first..last of bufnr against instructions (M.parse_instructions' text); calls
-- done(items, err) with one { ok, message } per instruction after showing them as diagnostics.
function M.check(bufnr, first, last, spec, done)
  bufnr = bufnr == 0 and vim.api.nvim_get_current_buf() or bufnr
  local parsed = M.parse_instructions(spec)
  local text = range_text(bufnr, first, last)
  local function finish(items, err)
    if err then
      vim.notify('minos: ' .. err.message, vim.log.levels.ERROR)
    else
      show(bufnr, first, items)
    end
    if done then
      done(items, err)
    end
  end
  if parsed.registered then
    M.shared():request('instructions/evaluate', { instructionId = parsed.registered, responses = { text } }, function(err, result)
      if err then
        return finish(nil, err)
      end
      local r = result.results[1]
      finish({ { ok = r.passRate >= 0.5,
                 message = string.format('instruction #%d: %d of %d functions pass (%.0f%%)', parsed.registered, r.passed, r.total,
                   r.passRate * 100) } })
    end)
    return
  end
  M.shared():request('instructions/check', { response = text, instructions = parsed.instructions, mode = 'strict' },
    function(err, result)
      if err then
        return finish(nil, err)
      end
      finish(vim.tbl_map(function(o)
        return { ok = o.followed, message = o.id .. (o.followed and ': followed' or ': not followed') .. ' (' .. o.detail .. ')' }
      end, result.strict.instructions))
    end)
end

-- Verifies the final answer of lines first..last against reference; shows the verdict as a
-- diagnostic and as virtual text after the last line; calls done(verdict, err).
function M.verify(bufnr, first, last, reference, done)
  bufnr = bufnr == 0 and vim.api.nvim_get_current_buf() or bufnr
  M.shared():request('verify/answer', { solution = range_text(bufnr, first, last), reference = reference }, function(err, v)
    if err then
      vim.notify('minos: ' .. err.message, vim.log.levels.ERROR)
    else
      local message = (v.equivalent and 'equivalent: ' or 'not equivalent: ') .. (v.extracted or '?') .. (v.equivalent and ' = ' or ' ≠ ')
        .. reference .. ' (' .. v.reason .. ')'
      show(bufnr, first, { { ok = v.equivalent, message = message } })
      vim.api.nvim_buf_clear_namespace(bufnr, M.namespace, 0, -1)
      vim.api.nvim_buf_set_extmark(bufnr, M.namespace, last - 1, 0, {
        virt_text = { { (v.equivalent and '✓ ' or '✗ ') .. message, v.equivalent and 'DiagnosticOk' or 'DiagnosticWarn' } },
      })
    end
    if done then
      done(v, err)
    end
  end)
end

-- Defines :MinosCheck and :MinosVerify (range: the whole buffer by default). opts are start()'s,
-- for the session's daemon.
function M.setup(opts)
  shared_opts = opts
  vim.api.nvim_create_user_command('MinosCheck', function(c)
    M.check(0, c.line1, c.line2, c.args)
  end, { nargs = '+', range = '%', desc = 'Check the buffer or range against IFEval instructions or a registered one' })
  vim.api.nvim_create_user_command('MinosVerify', function(c)
    M.verify(0, c.line1, c.line2, c.args)
  end, { nargs = 1, range = '%', desc = 'Verify the final answer of the buffer or range against a reference' })
end

return M
