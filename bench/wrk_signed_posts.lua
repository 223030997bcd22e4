-- Posts pre-signed bodies in turn (one per line: "<signature>\t<json body>"), so every request
-- is a new message. Usage: wrk ... -s wrk_signed_posts.lua URL -- BODIES_FILE
local signatures, bodies, sent = {}, {}, 0

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    signatures[#signatures + 1] = line:sub(1, tab - 1)
    bodies[#bodies + 1] = line:sub(tab + 1)
  end
end

function request()
  sent = sent + 1
  local i = (sent - 1) % #bodies + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Agora-Signature-256"] = signatures[i],
  }, bodies[i])
end
