from usco.cli import main

main()
