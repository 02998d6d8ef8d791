from gdprgraph.cli import main

main()
