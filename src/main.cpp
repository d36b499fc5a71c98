#include "cli/cli.hpp"

int main(int argc, char** argv) { return ea::cli::Main(argc, argv); }
