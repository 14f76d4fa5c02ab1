package io.promstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph the README's Design section describes, kept so by the build: one package per stage, imports
 * pointing one way (config -> ingest -> queue -> store -> parse, expose -> store; health and tasks are adapters), no cycles.
 */
class ArchitectureTest {
    private static final String ROOT = "io.promstream";
    private static final String CONFIG = "io.promstream.config..";
    private static final String INGEST = "io.promstream.ingest..";
    private static final String PARSE = "io.promstream.parse..";
    private static final String STORE = "io.promstream.store..";
    private static final String QUEUE = "io.promstream.queue..";
    private static final String EXPOSE = "io.promstream.expose..";
    private static final String HEALTH = "io.promstream.health..";
    private static final String TASKS = "io.promstream.tasks..";

    static final ArchRule noPackageCycles =
            slices().matching("io.promstream.(*)..").should().beFreeOfCycles();

    static final ArchRule parseDependsOnNothingOfOurs = noClasses()
            .that()
            .resideInAPackage(PARSE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, INGEST, STORE, EXPOSE, HEALTH, TASKS);

    static final ArchRule storeDependsOnlyOnParse = noClasses()
            .that()
            .resideInAPackage(STORE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, INGEST, EXPOSE, HEALTH, TASKS);

    static final ArchRule queueKnowsOnlyTheStore = noClasses()
            .that()
            .resideInAPackage(QUEUE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, INGEST, EXPOSE, HEALTH, TASKS);

    static final ArchRule ingestGetsNarrowCountersNotTheMetaMetrics = noClasses()
            .that()
            .resideInAPackage(INGEST)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, EXPOSE, HEALTH, TASKS);

    static final ArchRule exposeIsDownstream = noClasses()
            .that()
            .resideInAPackage(EXPOSE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, HEALTH, TASKS);

    static final ArchRule healthAndTasksAreAdapters = noClasses()
            .that()
            .resideInAnyPackage(HEALTH, TASKS)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, EXPOSE);

    static final ArchRule onlyTheAssemblyUsesTheConfiguration = noClasses()
            .that()
            .resideOutsideOfPackages(ROOT, CONFIG)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(CONFIG);

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.promstream");
    }

    @Test
    void thePackagesFormNoCycle() {
        noPackageCycles.check(classes);
    }

    @Test
    void parseDependsOnNothingOfOurs() {
        parseDependsOnNothingOfOurs.check(classes);
    }

    @Test
    void storeDependsOnlyOnParse() {
        storeDependsOnlyOnParse.check(classes);
    }

    @Test
    void queueKnowsOnlyTheStore() {
        queueKnowsOnlyTheStore.check(classes);
    }

    @Test
    void ingestGetsNarrowCountersNotTheMetaMetrics() {
        ingestGetsNarrowCountersNotTheMetaMetrics.check(classes);
    }

    @Test
    void exposeIsDownstream() {
        exposeIsDownstream.check(classes);
    }

    @Test
    void healthAndTasksAreAdapters() {
        healthAndTasksAreAdapters.check(classes);
    }

    @Test
    void onlyTheAssemblyUsesTheConfiguration() {
        onlyTheAssemblyUsesTheConfiguration.check(classes);
    }
}
