#include "support/run_command.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#include <sys/wait.h>

#include <cstdlib>
#endif

namespace dv::test {

#ifdef __EMSCRIPTEN__
// Blocks the calling thread (a test's pthread) until the command ends, as std::system does.
EM_JS_DEPS(dv_test_run_command, "$UTF8ToString");
EM_JS(int, dv_test_run_shell, (const char* command), {
  try {
    require('child_process').execSync(UTF8ToString(command), {stdio: 'inherit', shell: '/bin/sh'});
    return 0;
  } catch (e) {
    if (typeof e.status === 'number') return e.status;
    return e.signal ? 128 + (require('os').constants.signals[e.signal] || 0) : 127;
  }
});

int run_command(const std::string& command) { return dv_test_run_shell(command.c_str()); }
#else
int run_command(const std::string& command) {
  const int status = std::system(command.c_str());
  if (status == -1) return 127;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
#endif

}  // namespace dv::test
